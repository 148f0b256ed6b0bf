import type { z } from 'zod';

/**
 * The settings of one capability: the environment variables it reads (a zod object, validated together
 * with every other section so one error lists every bad setting) and how they become its config.
 * A section that needs cross-field checks returns problems from `check` instead of throwing.
 */
export type ConfigSection<S extends z.ZodRawShape, T> = {
  shape: S;
  build(env: z.infer<z.ZodObject<S>>): T;
  check?(env: z.infer<z.ZodObject<S>>): string[];
};

export function defineSection<S extends z.ZodRawShape, T>(section: ConfigSection<S, T>): ConfigSection<S, T> {
  return section;
}
