import { describe, expect, it } from 'vitest';
import { optionText, plainText } from './plain-text';

describe('plainText', () => {
  it('reads inline LaTeX as text', () => {
    expect(plainText('What is $\\frac{1}{2} + x^{2}$?')).toBe('What is 1/2 + x²?');
    expect(plainText('Find $\\sqrt{16} \\cdot 3$ and $\\frac{a+b}{2}$')).toBe('Find √16 · 3 and (a+b)/2');
    expect(plainText('If $x \\le 5$ and $y \\neq 0$, then $\\text{area} = \\pi r^2$')).toBe('If x ≤ 5 and y ≠ 0, then area = π r²');
    expect(plainText('$$\\sum_{k=1}^{n} k$$')).toBe('Σ_k=1ⁿ k');
  });

  it('drops Markdown marks and folds lines', () => {
    expect(plainText('**Bold** and `code`\n\n# Title [link](http://x)')).toBe('Bold and code Title link');
  });

  it('leaves a text without markup as it is', () => {
    expect(plainText('A bag has 3 red balls and 5 blue balls. What is the probability?')).toBe(
      'A bag has 3 red balls and 5 blue balls. What is the probability?',
    );
    expect(plainText('Zoë earns \\$24 per hour, \\$5 more on $x^2$ days')).toBe('Zoë earns $24 per hour, $5 more on x² days');
  });
});

describe('optionText', () => {
  it('is the plain text, cut to at most max characters with an ellipsis', () => {
    expect(optionText('The key step ($n \\equiv 30 \\pmod{77}$) is right', 100)).toBe(plainText('The key step ($n \\equiv 30 \\pmod{77}$) is right'));
    expect(optionText('The key step ($n \\equiv 30 \\pmod{77}$) is right', 100)).not.toContain('$');
    expect(optionText('abcdefghij', 10)).toBe('abcdefghij');
    expect(optionText('abcdefghijk', 10)).toBe('abcdefghi…');
    expect(optionText('abcdefghijk', 10)).toHaveLength(10);
  });
});
