import { describeFixtures } from '../helpers/pytorch-fixtures.js';

// max/min over dims are compared with PyTorch's amax/amin: a tie shares the gradient evenly.
// torch.max(x, dim) would route all of it to the one index it returns; values agree either way.
// argmax/argmin give int32 indices (PyTorch: int64), the first one at a tie as in PyTorch.
describeFixtures('ops-reduce.json');
