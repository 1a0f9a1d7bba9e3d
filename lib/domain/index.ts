// The only place where the formulas of scoring.md live: pure functions, no I/O, no framework.
export * from './types';
export * from './compare';
export * from './cost';
export * from './rubric';
export * from './reward';
export * from './pairs';
export * from './pair-explanation';
export * from './agreement';
export * from './settings';
export * from './judges';
export * from './routing';
export * from './training';
export * from './bootstrap';
export * from './intervals';
export * from './rubric-diff';
