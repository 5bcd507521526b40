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
  signature_account_unknown: 403,
  signature_account_mismatch: 403,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  illegal_transition: 409,
  conflict: 409,
  offer_not_pending: 409,
  operator_not_available: 409,
  unknown_call: 404,
  rate_limited: 429,
  message_too_long: 413,
  conversation_ended: 409,
  unsupported: 422,
  not_implemented: 501,
};

/** `error` names of HTTP-level refusals (framework errors, not domain ones). */
const ERROR_BY_STATUS: Record<number, string> = {
  400: 'bad_request',
  401: 'unauthenticated',
  403: 'forbidden',
  404: 'not_found',
  405: 'method_not_allowed',
  406: 'not_acceptable',
  408: 'request_timeout',
  413: 'payload_too_large',
  414: 'uri_too_long',
  415: 'unsupported_media_type',
  429: 'rate_limited',
  431: 'headers_too_large',
};

/** Errors raised by Fastify itself or its plugins (body too large, bad JSON, rate limit...). */
function isStatusError(error: unknown): error is { statusCode: number; message?: unknown; error?: unknown } {
  return (
    typeof error === 'object' &&
    error !== null &&
    typeof (error as { statusCode?: unknown }).statusCode === 'number'
  );
}

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
      error: status >= 500 ? 'internal_error' : (ERROR_BY_STATUS[status] ?? 'http_error'),
      message: String(message),
    };
  }
  if (isStatusError(error) && error.statusCode >= 400 && error.statusCode < 500) {
    const status = error.statusCode;
    const named = typeof error.error === 'string' && /^[a-z_]+$/.test(error.error) ? error.error : null;
    return {
      statusCode: status,
      error: named ?? ERROR_BY_STATUS[status] ?? 'http_error',
      message: typeof error.message === 'string' ? error.message : 'Request refused',
    };
  }
  return { statusCode: 500, error: 'internal_error', message: 'Internal server error' };
}
