import type { Tensor } from '../../tensor/tensor.js';
import { Module } from '../module.js';

/** Passes its input through unchanged: a placeholder where a layer is optional. */
export class Identity extends Module {
  forward(input: Tensor): Tensor {
    return input;
  }
}
