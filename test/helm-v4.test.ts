import { helmSuite } from './support/helm-suite';

helmSuite(4);
