// chainrule's optimizers and learning-rate schedulers, exported from the package as `optim`.
export { Optimizer, type GroupOptions, type ParamGroup, type ParamGroupInput, type Params } from './optimizer.js';
export type { OptimizerStateDict, SavedParamGroup } from './state-dict.js';
export { SGD, type SgdOptions, type SgdState } from './sgd.js';
export { Adam, AdamW, type AdamOptions, type AdamState } from './adam.js';
export { RMSprop, type RmspropOptions, type RmspropState } from './rmsprop.js';
export { LRScheduler, type LRSchedulerStateDict } from './lr-scheduler.js';
export {
  StepLR, ExponentialLR, CosineAnnealingLR, LinearLR,
  type StepLROptions, type ExponentialLROptions, type CosineAnnealingLROptions, type LinearLROptions,
} from './schedulers.js';
export { SequentialLR, type SequentialLRStateDict } from './sequential-lr.js';
export { ReduceLROnPlateau, type ReduceLROnPlateauOptions, type ReduceLROnPlateauStateDict } from './reduce-lr-on-plateau.js';
