// chainrule's nn: modules, parameters, layers, losses, initialisers and the functional API, with
// PyTorch's names camelCased. Imported as `nn` from the package root.
export { Parameter } from './parameter.js';
export { Module, type AnyModule, type StateDict, type LoadStateDictOptions, type LoadStateDictResult } from './module.js';
export { Sequential, type TensorModule } from './layers/container.js';
export { Linear, type LinearOptions } from './layers/linear.js';
export { Conv1d, Conv2d, type Conv1dModuleOptions, type Conv2dModuleOptions } from './layers/conv.js';
export { MaxPool1d, MaxPool2d, AvgPool1d, AvgPool2d } from './layers/pool.js';
export { Dropout, type DropoutModuleOptions } from './layers/dropout.js';
export { BatchNorm1d, BatchNorm2d, type BatchNormModuleOptions } from './layers/batchnorm.js';
export { Flatten } from './layers/flatten.js';
export { Identity } from './layers/identity.js';
export { ReLU, LeakyReLU, Sigmoid, Tanh, GELU, Softmax, LogSoftmax, type GELUOptions } from './layers/activation.js';
export { MSELoss, L1Loss } from './losses/regression.js';
export { BCELoss, BCEWithLogitsLoss } from './losses/binary.js';
export { CrossEntropyLoss, NLLLoss } from './losses/classification.js';
export * as functional from './functional.js';
export * as init from './init.js';
