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

// ---- Judges: one training run that three judges scored, with people's labels (agreement page) ----

export const JUDGES_RUN = 'e2e-judges';
export const JUDGES_RUBRIC = 'e2e-judges/rubric';
export const JUDGE_NAMES = ['judge-v2', 'judge-v3', 'judge-v4'] as const;
export const JUDGES_TRAJECTORIES = 40;
/** Ternary items people labelled: fewer than the 10 a figure needs, so its row shows "—". */
export const JUDGES_TERNARY_LABELLED = 6;

/** How often each judge departs from the people's label (of 10): judge-v4 agrees best. */
const JUDGE_MISSES: Record<(typeof JUDGE_NAMES)[number], number> = { 'judge-v2': 4, 'judge-v3': 2, 'judge-v4': 1 };

export function judgesLines(): TraceLine[] {
  const base = one({ seed: 303, steps: 3, withRubrics: false });
  const day = (i: number) => new Date(Date.UTC(2026, 10, 2 + Math.floor(i / 2))).toISOString();
  return Array.from({ length: JUDGES_TRAJECTORIES }, (_, i) => {
    const human = { crux: (i * 7) % 3 === 0 ? 0 : 1, tidy: (i % 3) - 1, effort: (i * 3) % 11 };
    const judgments: NonNullable<TraceLine['judgments']> = [];
    JUDGE_NAMES.forEach((judge, k) => {
      const miss = (i + 3 * k) % 10 < JUDGE_MISSES[judge];
      judgments.push({ criterion: 'crux', steps: [1], score: miss ? 1 - human.crux : human.crux, judge, rationale: `${judge} on the crux` });
      if (i < 12) judgments.push({ criterion: 'tidy', score: miss ? (human.tidy === 1 ? 0 : human.tidy + 1) : human.tidy, judge });
      if (i % 2 === 0) judgments.push({ criterion: 'effort', steps: [0, 2], score: miss ? 10 - human.effort : Math.min(10, human.effort + k), judge });
    });
    const label = (score: number, author = 'alice', version = 1) => ({ version, score, author, created_at: day(i) });
    const items = [{ criterion: 'crux', steps: [1], labels: i % 5 === 0 ? [label(human.crux), label(human.crux, 'bob', 2)] : [label(human.crux)] }];
    if (i < JUDGES_TERNARY_LABELLED) items.push({ criterion: 'tidy', steps: [], labels: [label(human.tidy)] });
    if (i % 2 === 0) items.push({ criterion: 'effort', steps: [0, 2], labels: [label(human.effort)] });
    return {
      ...base,
      id: `${JUDGES_RUN}/${i}`,
      run: { id: JUDGES_RUN, policy: 'roro', meta: { description: 'Three judges and people on one rubric, for the agreement page.' } },
      query: { id: `e2e-judges-q${i % 8}`, benchmark: 'probe', text: `Judged probe ${i % 8}` },
      correct: i % 3 !== 0,
      rubric: {
        id: JUDGES_RUBRIC,
        criteria: [
          { id: 'crux', text: 'The crux step goes to the large model.', weight: 2, scale: { kind: 'binary' } },
          { id: 'tidy', text: 'No wasted steps.', weight: 1, scale: { kind: 'ternary' } },
          { id: 'effort', text: 'Routine work stays on the small model.', weight: 1, scale: { kind: 'numeric', min: 0, max: 10 } },
        ],
      },
      judgments,
      training: { step: 10 * Math.floor(i / 10) },
      meta: { routelens: { items } },
    };
  });
}

export function specialLines(): TraceLine[] {
  return [longLine(), shortLine(), hostileLine(), ...trainingLines(), ...judgesLines(), rubricV1Line(), multiJudgeLine()];
}

// ---------------------------------------------------------------------------------------------------
// Block "replay" (several judges per item, rubric versions): two trajectories on one query, one
// scored under a Rubricor-v1 rubric by judge-old, one under the Rubricor-v2 rubric by judge-a and
// judge-b, who score the same items (c2 on steps {2, 3} given in two orders). Between the two rubrics:
// c1 reweighted, c2 reworded, c3 rescaled, c4 removed, c5 added.

export const RUBRIC_QUERY_ID = 'e2e-rubric-versions/q1';
export const RUBRIC_V1_ID = 'e2e-rubric-versions/q1/rubricor-v1';
export const RUBRIC_V2_ID = 'e2e-rubric-versions/q1/rubricor-v2';
export const RUBRIC_V1_TRAJECTORY_ID = 'e2e-probes/judges/v1';
export const MULTI_JUDGE_ID = 'e2e-probes/judges/two';

const RUBRIC_QUERY = { id: RUBRIC_QUERY_ID, benchmark: 'probe', text: 'Probe: what is 12 × 7 + 3?', reference_answer: '87' };

const RUBRIC_V1: NonNullable<TraceLine['rubric']> = {
  id: RUBRIC_V1_ID,
  generator: 'rubricor-v1',
  criteria: [
    { id: 'c1', text: 'Each step follows from the previous one.', weight: 1, scale: { kind: 'binary' } },
    { id: 'c2', text: 'The arithmetic is right.', weight: 1, scale: { kind: 'binary' } },
    { id: 'c3', text: 'No wasted steps.', weight: 0.5, scale: { kind: 'ternary' } },
    { id: 'c4', text: 'The final answer is boxed.', weight: 0.5, scale: { kind: 'binary' } },
  ],
};

const RUBRIC_V2: NonNullable<TraceLine['rubric']> = {
  id: RUBRIC_V2_ID,
  generator: 'rubricor-v2',
  criteria: [
    { id: 'c1', text: 'Each step follows from the previous one.', weight: 2, scale: { kind: 'binary' } },
    { id: 'c2', text: 'Every multiplication and addition is right.', weight: 1, scale: { kind: 'binary' } },
    { id: 'c3', text: 'No wasted steps.', weight: 0.5, scale: { kind: 'numeric', min: 0, max: 10 } },
    { id: 'c5', text: 'The large model is used only where it is needed.', weight: 1, scale: { kind: 'binary' } },
  ],
};

export function rubricV1Line(): TraceLine {
  const base = one({ seed: 71, steps: 6 });
  return {
    ...base,
    id: RUBRIC_V1_TRAJECTORY_ID,
    query: RUBRIC_QUERY,
    rubric: RUBRIC_V1,
    judgments: [
      { criterion: 'c1', steps: [1], score: 1, rationale: 'Step 1 builds on step 0.', judge: 'judge-old' },
      { criterion: 'c2', steps: [2, 3], score: 0, rationale: 'Step 3 adds wrongly.', judge: 'judge-old' },
      { criterion: 'c4', score: 1, judge: 'judge-old' },
    ],
  };
}

export function multiJudgeLine(): TraceLine {
  const base = one({ seed: 72, steps: 6 });
  return {
    ...base,
    id: MULTI_JUDGE_ID,
    query: RUBRIC_QUERY,
    rubric: RUBRIC_V2,
    judgments: [
      { criterion: 'c1', steps: [1], score: 1, rationale: 'judge-a: step 1 follows from step 0.', judge: 'judge-a' },
      { criterion: 'c1', steps: [1], score: 0, rationale: 'judge-b: step 1 skips a step.', judge: 'judge-b' },
      { criterion: 'c2', steps: [2, 3], score: 1, rationale: 'judge-a: 12 × 7 = 84 is right.', judge: 'judge-a' },
      { criterion: 'c2', steps: [3, 2], score: 0, rationale: 'judge-b: 84 + 3 is written as 86.', judge: 'judge-b' },
      { criterion: 'c3', steps: [4], score: 7, rationale: 'A little repetition.', judge: 'judge-a' },
      { criterion: 'c5', score: 1, rationale: 'judge-a: the small model did most steps.', judge: 'judge-a' },
      { criterion: 'c5', score: 1, rationale: 'judge-b: fine.', judge: 'judge-b' },
    ],
  };
}
// End of block "replay".
