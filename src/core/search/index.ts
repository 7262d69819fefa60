/** Hyper-parameter search of the ML core. */
export { gridCandidates, gridSize, randomCandidates, rangeOf, spaceProblems } from './space';
export type { ParamRange, ParamSpace, ParamValue, Params } from './space';
export { halvingSchedule, sampleRows } from './halving';
export type { HalvingPlan, HalvingRound } from './halving';
export { runSearch } from './search';
export type { SearchMethod, SearchOptions, SearchResult, Trial } from './search';
