import { z } from 'zod';

/** "PORT: Invalid input: expected number" style lines, one per problem, naming the variable or path. */
export function formatZodIssues(error: z.ZodError, root = ''): string {
  return error.issues
    .map((issue) => {
      const path = [root, ...issue.path.map(String)].filter(Boolean).join('.');
      return `${path || '(root)'}: ${issue.message}`;
    })
    .join('\n');
}
