/** A heading's anchor: "Preference pairs" -> "preference-pairs" (GitHub's way, so links agree). */
export function headingId(text: string): string {
  return text
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s-]/gu, '')
    .replace(/\s/g, '-');
}
