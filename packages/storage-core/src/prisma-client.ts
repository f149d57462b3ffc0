// The generated Prisma client, bound to an engine's connection(s) through its
// driver adapter. Re-exported so applications import models and `Prisma`
// (Decimal, input types) from @ag/storage-core.

import type { Engine } from './engines/engine.js';
import { PrismaClient } from './generated/prisma/client.js';

export { Prisma, PrismaClient } from './generated/prisma/client.js';
export type * from './generated/prisma/models.js';
export { AccountMode, EventSeverity, OrderSide, OrderStatus, OrderType, TimeInForce } from './generated/prisma/enums.js';

export function createPrismaClient(engine: Engine): PrismaClient {
  return new PrismaClient({ adapter: engine.createPrismaAdapter() });
}
