// How failures become HTTP answers: a bad parameter or a ValidationError is
// 400 naming the field; a missing or wrong token 401; bodies over the limit
// 413; an unreachable database 503; anything else 500 without internals.
// Every error body is { error, message, field? }.

import { ConnectionError, StorageError, ValidationError } from '@ag/storage-core';
import { BadParameterError } from '@ag/storage-services';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';

export interface ErrorBody {
  error: string;
  message: string;
  field?: string;
}

export function errorReply(error: unknown, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  if (error instanceof BadParameterError) {
    return reply.code(400).send({ error: 'bad_request', field: error.field, message: error.message } satisfies ErrorBody);
  }
  if (error instanceof ValidationError) {
    const field = apiField(error.field);
    return reply.code(400).send({ error: 'bad_request', field, message: error.message } satisfies ErrorBody);
  }
  if (error instanceof ConnectionError) {
    request.log.error({ err: error }, 'database unreachable');
    return reply.code(503).send({ error: 'unavailable', message: 'the database is unreachable' } satisfies ErrorBody);
  }
  const fastifyError = error as FastifyError;
  if (!(error instanceof StorageError) && typeof fastifyError.statusCode === 'number' && fastifyError.statusCode >= 400 && fastifyError.statusCode < 500) {
    const code = fastifyError.statusCode;
    const kind = code === 413 ? 'payload_too_large' : code === 415 ? 'unsupported_media_type' : code === 404 ? 'not_found' : 'bad_request';
    return reply.code(code).send({ error: kind, message: fastifyError.message } satisfies ErrorBody);
  }
  request.log.error({ err: error }, 'request failed');
  return reply.code(500).send({ error: 'internal', message: 'internal error' } satisfies ErrorBody);
}

/** A store's field path (`query.start`) as the API names it (`start`). */
function apiField(field: string): string {
  return field.replace(/^(query|filter|request|options)\./, '');
}
