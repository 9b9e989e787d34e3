import { describeFixtures } from '../helpers/pytorch-fixtures.js';

describeFixtures('ops-movement.json');
