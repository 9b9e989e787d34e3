import { describeFixtures } from '../helpers/pytorch-fixtures.js';

// conv1d/2d, convTranspose1d/2d, max and average pooling against PyTorch 1.13, forward and
// backward, in float64 and float32 (scripts/make-conv-fixtures.py).
describeFixtures('conv-ops.json');
