// The training loop and its parts; browser-safe. The terminal progress bar is in 'chainrule/node'.
export { fit, epochLine, type FitOptions } from './fit.js';
export { evaluate, predict, type EvaluateOptions, type PredictOptions } from './evaluate.js';
export { History } from './history.js';
export { EarlyStopping, type Callback, type TrainState, type EarlyStoppingOptions } from './callbacks.js';
export { Accuracy, accuracy, confusionMatrix, predictedClasses, type Metric, type ClassOptions } from './metrics.js';
export type { Trainable, OptimizerLike, LossFunction, SchedulerLike, Logs, Batch, Batches, Resumable, ResumeTargets } from './types.js';
