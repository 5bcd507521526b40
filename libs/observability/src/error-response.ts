import { HttpException } from '@nestjs/common';
import { ZodError } from 'zod';
import { DomainError, DomainErrorCode } from '@centralino/contacts';

export interface ErrorBody {
  statusCode: number;
  error: string;
  message: string;
  details?: unknown;
}

const STATUS_BY_CODE: Record<DomainErrorCode, number> = {
  validation_failed: 400,
  signature_missing: 401,
  signature_invalid: 403,
  signature_expired: 401,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  illegal_transition: 409,
  conflict: 409,
  offer_not_pending: 409,
  operator_not_available: 409,
  unknown_call: 404,
};

/**
 * The one mapping from errors to what a client sees, used by the HTTP filter and the socket gateways.
 * Unknown errors become a 500 without details: stack traces never leave the server.
 */
export function toErrorBody(error: unknown): ErrorBody {
  if (error instanceof DomainError) {
    return {
      statusCode: STATUS_BY_CODE[error.code],
      error: error.code,
      message: error.message,
      details: error.details,
    };
  }
  if (error instanceof ZodError) {
    const first = error.issues[0];
    const path = first?.path.map(String).join('.') || '(body)';
    return {
      statusCode: 400,
      error: 'validation_failed',
      message: `${path}: ${first?.message ?? 'invalid'}`,
      details: error.issues.map((issue) => ({
        path: issue.path.map(String).join('.'),
        message: issue.message,
      })),
    };
  }
  if (error instanceof HttpException) {
    const status = error.getStatus();
    const response = error.getResponse();
    const message =
      typeof response === 'string' ? response : ((response as { message?: string }).message ?? error.message);
    return {
      statusCode: status,
      error: status >= 500 ? 'internal_error' : 'http_error',
      message: String(message),
    };
  }
  return { statusCode: 500, error: 'internal_error', message: 'Internal server error' };
}
