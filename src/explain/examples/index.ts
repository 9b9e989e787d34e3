export { runExample, exampleNames, listExamples, type ExampleResult } from './run.js';
export { classify, parsePrinted, type CheckStatus, type LectureCheck } from './check.js';
export type { ExampleName, ExampleSpec, Printed, Where, Built } from './types.js';
