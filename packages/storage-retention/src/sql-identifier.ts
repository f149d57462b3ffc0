// Identifier quoting lives once, in core (sql-identifier.ts there); this
// module keeps retention's import path.

export { checkedTableName, quoteIdentifier } from '@ag/storage-core';
