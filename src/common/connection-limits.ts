import { Logger } from '@nestjs/common';
import { ipKeyGenerator } from 'express-rate-limit';
import type { IncomingMessage, Server } from 'node:http';
import type { Socket } from 'node:net';
import type { AppConfig } from '../config/app-config.js';
import type { Metrics } from '../metrics/metrics.js';
import { readOpenFilesLimit } from './open-files-limit.js';
import { answerAndDrop, rawErrorResponse } from './raw-response.js';

/**
 * How long a new socket may go without a request head before it counts against
 * CONN_MAX_PENDING_PER_ADDRESS. Honest clients send the head as soon as they are
 * connected, so the grace only spares a burst of connects (a fleet reconnecting,
 * a hundred parallel requests) the event loop has accepted and not yet read.
 */
export const PENDING_GRACE_MS = 1000;
/** A refused client may retry this soon: by then a slowloris socket has been closed, or a stream has ended. */
const RETRY_AFTER_S = 5;
/** Under attack every refusal would be a log line: one line per this interval, the metric counts them all. */
const LOG_EVERY_MS = 10_000;

export type Refusal = 'pending' | 'total';

interface AddressSockets {
  open: number;
  /** Sockets still without their first request head, oldest first (a Set keeps insertion order). */
  pending: Set<Socket>;
  /** How many of them are past the grace: always the oldest ones, as the grace is the same for all. */
  stale: number;
}

interface Pending {
  timer: NodeJS.Timeout;
  sockets: AddressSockets;
  stale: boolean;
}

/**
 * Sockets per client address, in two caps. Of an address's sockets at most
 * `maxPending` may sit without their first request head past PENDING_GRACE_MS;
 * one more and the oldest such socket is answered 429 and closed, so a slowloris
 * client keeps a few sockets while complete requests from the same address get
 * through. And an address holds at most `maxTotal` sockets: a new one past it
 * takes the place of the oldest socket still without a head, or, when every
 * socket has sent one (streams, requests in progress), is answered 429 and
 * closed before Node's HTTP parser sees it.
 */
export class ConnectionLimits {
  private readonly addresses = new Map<string, AddressSockets>();
  private readonly pending = new Map<Socket, Pending>();
  /** Closed by a cap and already uncounted; their `close` event must not count them out twice. */
  private readonly dropped = new WeakSet<Socket>();

  constructor(
    readonly caps: { maxPending: number; maxTotal: number },
    private readonly refused: (reason: Refusal, address: string) => void,
  ) {}

  /** Counts a new socket in; false when it was refused (answered and closing). */
  admit(socket: Socket): boolean {
    const address = clientAddress(socket);
    if (address === undefined) {
      socket.destroy(); // already gone
      return false;
    }
    const sockets = this.addresses.get(address) ?? { open: 0, pending: new Set<Socket>(), stale: 0 };
    if (sockets.open >= this.caps.maxTotal) {
      const oldest = first(sockets.pending);
      if (oldest) {
        this.drop(oldest, 'total', address);
      } else {
        // Read and discard what the client sends, so the close does not reset the answer away.
        socket.resume();
        this.refuse(socket, 'total', address);
        return false;
      }
    }
    sockets.open++;
    sockets.pending.add(socket);
    this.addresses.set(address, sockets);
    const timer = setTimeout(() => this.graceOver(socket, address), PENDING_GRACE_MS);
    timer.unref();
    this.pending.set(socket, { timer, sockets, stale: false });
    socket.once('close', () => this.closed(socket, sockets, address));
    return true;
  }

  /** The socket's first request head is in: from here the timeouts, stream and rate limits bound it. */
  headReceived(socket: Socket): void {
    const pending = this.pending.get(socket);
    if (!pending) return;
    clearTimeout(pending.timer);
    pending.sockets.pending.delete(socket);
    if (pending.stale) pending.sockets.stale--;
    this.pending.delete(socket);
  }

  private graceOver(socket: Socket, address: string): void {
    const pending = this.pending.get(socket);
    if (!pending) return;
    pending.stale = true;
    const sockets = pending.sockets;
    sockets.stale++;
    while (sockets.stale > this.caps.maxPending) {
      const oldest = first(sockets.pending);
      if (!oldest) break;
      this.drop(oldest, 'pending', address);
    }
  }

  /** Closes a socket that has sent no head, to make room; it stops counting at once. */
  private drop(socket: Socket, reason: Refusal, address: string): void {
    const sockets = this.pending.get(socket)?.sockets;
    this.headReceived(socket);
    if (sockets) this.countOut(sockets, address);
    this.dropped.add(socket);
    this.refuse(socket, reason, address);
  }

  private closed(socket: Socket, sockets: AddressSockets, address: string): void {
    if (this.dropped.has(socket)) return;
    this.headReceived(socket);
    this.countOut(sockets, address);
  }

  private countOut(sockets: AddressSockets, address: string): void {
    sockets.open--;
    if (sockets.open === 0) this.addresses.delete(address);
  }

  private refuse(socket: Socket, reason: Refusal, address: string): void {
    answerAndDrop(
      socket,
      rawErrorResponse(429, `${this.reasonText(reason)}; retry after ${RETRY_AFTER_S} s`, { 'Retry-After': String(RETRY_AFTER_S) }),
    );
    this.refused(reason, address);
  }

  private reasonText(reason: Refusal): string {
    return reason === 'total'
      ? `too many open connections from this address: at most ${this.caps.maxTotal} (CONN_MAX_PER_ADDRESS)`
      : `too many connections from this address without a complete request head: at most ${this.caps.maxPending} (CONN_MAX_PENDING_PER_ADDRESS); the oldest is closed`;
  }
}

function first<T>(set: Set<T>): T | undefined {
  for (const item of set) return item;
  return undefined;
}

/** The socket's peer, grouped as the rate limits group it: IPv4-mapped IPv6 as IPv4, other IPv6 by /56. */
function clientAddress(socket: Socket): string | undefined {
  return socket.remoteAddress === undefined ? undefined : ipKeyGenerator(socket.remoteAddress);
}

/**
 * Puts the per-address caps in front of the HTTP server: the gate takes over the
 * `connection` event, so a refused socket never reaches Node's parser (or Nest's
 * socket tracking, which only matters for sockets it will serve). Behind a proxy
 * (TRUST_PROXY_HOPS > 0) every socket comes from the proxy, so the caps would
 * count the whole fleet as one client: they are off, and the proxy must cap
 * connections per client (docs/operations.md). The total cap is also kept to half
 * the open files limit, so one address can never take every descriptor (under a
 * 1024 limit that lets the server go on accepting while one address attacks).
 * Must run before `listen()`.
 */
export function limitConnectionsPerAddress(server: Server, config: AppConfig, metrics: Metrics): void {
  const logger = new Logger('Connections');
  const hops = config.auth.trustProxyHops;
  if (hops > 0) {
    logger.log(
      `per-address connection caps are off: with TRUST_PROXY_HOPS=${hops} every socket comes from the proxy, which must cap connections per client`,
    );
    return;
  }
  const configured = config.http.maxPerAddress;
  const limits = new ConnectionLimits({ maxPending: config.http.maxPendingPerAddress, maxTotal: configured }, refusalReport(logger, metrics));
  // ordering: fitted when the server starts listening, after main.ts has raised the open files limit.
  server.once('listening', () => {
    limits.caps.maxTotal = perAddressCap(configured, readOpenFilesLimit()?.soft);
    if (limits.caps.maxTotal < configured) {
      logger.warn(
        `CONN_MAX_PER_ADDRESS=${configured} is lowered to ${limits.caps.maxTotal}, half the open files limit, so one client address cannot take ` +
          `every descriptor; raise the hard limit (systemd LimitNOFILE=, docker --ulimit nofile=) to allow more`,
      );
    }
  });
  const listeners = server.listeners('connection') as ((socket: Socket) => void)[];
  server.removeAllListeners('connection');
  server.on('connection', (socket: Socket) => {
    if (limits.admit(socket)) for (const listener of listeners) listener.call(server, socket);
  });
  server.prependListener('request', (req: IncomingMessage) => limits.headReceived(req.socket));
}

/** CONN_MAX_PER_ADDRESS, but never more than half the sockets the process may open (`soft`, as /proc prints it). */
export function perAddressCap(configured: number, soft: string | undefined): number {
  const files = Number(soft);
  return Number.isFinite(files) && files > 0 ? Math.max(1, Math.min(configured, Math.floor(files / 2))) : configured;
}

function refusalReport(logger: Logger, metrics: Metrics): (reason: Refusal, address: string) => void {
  let lastLogAt = -Infinity;
  let unlogged = 0;
  return (reason, address) => {
    metrics.connectionsRefused.inc({ reason });
    const now = Date.now();
    if (now - lastLogAt < LOG_EVERY_MS) {
      unlogged++;
      return;
    }
    const more = unlogged > 0 ? `; ${unlogged} more refused since the last such line` : '';
    logger.warn(`refused a connection from ${address} (${reason === 'total' ? 'CONN_MAX_PER_ADDRESS' : 'CONN_MAX_PENDING_PER_ADDRESS'})${more}`);
    lastLogAt = now;
    unlogged = 0;
  };
}
