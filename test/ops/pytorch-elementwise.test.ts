import { describeFixtures } from '../helpers/pytorch-fixtures.js';

// Comparisons return int32 masks of 1 and 0 where PyTorch returns bool; the fixtures hold 0/1.
// A JS number operand is compared with PyTorch's 0-d float64 tensor, which promotes the same way.
describeFixtures('ops-elementwise.json');
