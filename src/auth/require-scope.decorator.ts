import { SetMetadata } from '@nestjs/common';
import type { Scope } from './scopes.js';

export const SCOPE_KEY = 'promptcast:scope';
export const PUBLIC_KEY = 'promptcast:public';

/**
 * The scope a route needs. Routes (or controllers) without one need `admin`,
 * so a new route is closed until someone decides who may call it.
 */
export const RequireScope = (scope: Scope) => SetMetadata(SCOPE_KEY, scope);

/** Anyone may call this route, with or without credentials (the login page, liveness). */
export const Public = () => SetMetadata(PUBLIC_KEY, true);
