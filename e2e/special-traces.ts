// The trajectories that the end-to-end tests and the replay benchmark load beside the demo data: a
// 20,000-step trajectory (the format's maximum), a 50-step one, and one whose texts try to run script
// (raw HTML, KaTeX commands that make links or attributes) and must show as text; and a small training
// run (a few GRPO steps × queries × rollouts) for the training page.
import { DEFAULT_MODELS, generateTraces, type RunSpec, type TraceLine } from '@/lib/generate';

export const PROBE_RUN: RunSpec = {
  id: 'e2e-probes',
  policy: 'roro',
  models: ['qwen3-1.7b', 'qwen3-32b'],
  meta: { description: 'Trajectories for the end-to-end tests and benchmarks.' },
};

export const LONG_ID = 'e2e-probes/long/n20000';
export const SHORT_ID = 'e2e-probes/short/n50';
export const HOSTILE_ID = 'e2e-probes/hostile/xss';
export const LONG_STEPS = 20_000;

/** Texts that would run script, load something or make a link if they were rendered as markup. */
export const HOSTILE_TEXTS = [
  '<img src=x onerror=alert(1)>',
  '<script>alert(1)</script>',
  'KaTeX link: $\\href{javascript:alert(1)}{x}$',
  'KaTeX url: $\\url{javascript:alert(1)}$ and $\\htmlClass{evil}{y}$ $\\htmlId{evil}{z}$ $\\htmlData{x=1}{w}$',
  '<img src=x onerror="window.__xss=1"> and <svg onload="window.__xss=1"></svg>',
  '[a link](javascript:window.__xss=1) and ![an image](https://example.invalid/pixel.png)',
  '<a href="javascript:window.__xss=1">raw anchor</a> then $x^2$ renders as math',
] as const;

function one(opts: Parameters<typeof generateTraces>[0]): TraceLine {
  const [line] = generateTraces({ runs: [PROBE_RUN], models: DEFAULT_MODELS, queries: 1, limit: 1, ...opts });
  if (!line) throw new Error('the generator gave no trajectory');
  return line;
}

export function longLine(): TraceLine {
  return { ...one({ seed: 20_000, steps: LONG_STEPS, judgmentsPerTrajectory: { min: 80, max: 80 }, textSize: 'short' }), id: LONG_ID };
}

export function shortLine(): TraceLine {
  return { ...one({ seed: 50, steps: 50, judgmentsPerTrajectory: { min: 8, max: 8 } }), id: SHORT_ID };
}

export function hostileLine(): TraceLine {
  const base = one({ seed: 666, steps: HOSTILE_TEXTS.length, withRubrics: false });
  return {
    ...base,
    id: HOSTILE_ID,
    query: {
      id: 'e2e-hostile-query',
      benchmark: 'probe',
      text: 'Probe: <img src=x onerror="window.__xss=1"> and $\\href{javascript:window.__xss=1}{click}$',
    },
    steps: base.steps.map((s, i) => ({ ...s, text: HOSTILE_TEXTS[i]! })),
    rubric: {
      id: 'e2e-hostile-query/rubric',
      criteria: [{ id: 'c1', text: 'Criterion with <script>window.__xss=1</script>', weight: 1, scale: { kind: 'binary' } }],
    },
    judgments: [{ criterion: 'c1', steps: [0, 1], score: 1, rationale: '<img src=x onerror="window.__xss=1"> rationale', judge: 'judge-v2' }],
  };
}

export const TRAINING_RUN: RunSpec = {
  id: 'e2e-training',
  policy: 'roro',
  models: ['qwen3-1.7b', 'qwen3-8b', 'qwen3-32b'],
  meta: { description: 'A small GRPO training run for the training page.', algorithm: 'GRPO', reward: 'roro' },
};
/** Steps 0..TRAINING_STEPS-1 are loaded; the live test posts step TRAINING_STEPS while the page is open. */
export const TRAINING_STEPS = 6;
export const TRAINING_QUERIES = 4;
export const TRAINING_ROLLOUTS = 4;

/**
 * The rollouts of one training step: TRAINING_QUERIES groups of TRAINING_ROLLOUTS, with judgments. The
 * first query's rollouts are all correct (no signal under the outcome alone; their process scores and
 * costs differ, so the combined reward still tells them apart), the second's all wrong from step 3 on.
 */
export function trainingStepLines(step: number): TraceLine[] {
  const lines = [
    ...generateTraces({
      runs: [TRAINING_RUN],
    models: DEFAULT_MODELS,
    seed: 7_000 + step,
    queries: TRAINING_QUERIES,
    trajectoriesPerQueryPerRun: TRAINING_ROLLOUTS,
    steps: { min: 3, max: 6 },
    judgmentsPerTrajectory: { min: 2, max: 4 },
      textSize: 'short',
    }),
  ];
  const queries = [...new Set(lines.map((l) => l.query.id))];
  return lines.map((l) => {
    const q = queries.indexOf(l.query.id);
    const correct = q === 0 ? true : q === 1 && step >= 3 ? false : l.correct;
    return { ...l, id: `${TRAINING_RUN.id}/s${step}/${l.id.slice(TRAINING_RUN.id.length + 1)}`, correct, training: { step } };
  });
}

export function trainingLines(): TraceLine[] {
  return Array.from({ length: TRAINING_STEPS }, (_, step) => trainingStepLines(step)).flat();
}

export function specialLines(): TraceLine[] {
  return [longLine(), shortLine(), hostileLine(), ...trainingLines()];
}
