/**
 * Who is on the other end of a connection, as TRUST_PROXY defines it. Fastify
 * applies the same rule to HTTP requests (`request.ip`, `request.host`); socket.io
 * handshakes never pass through fastify, so they use these functions on the
 * handshake's `IncomingMessage` (`socket.request`).
 */
import type { IncomingMessage } from 'node:http';
import proxyAddr from '@fastify/proxy-addr';

/** TRUST_PROXY as config parses it: trust every proxy, none, so many hops, or these addresses/CIDRs. */
export type TrustProxySetting = boolean | number | string[];

/** Whether the proxy at `address`, `hop` hops away from us (0 = the TCP peer), is trusted. */
export type TrustFn = (address: string, hop: number) => boolean;

export function compileTrust(trust: TrustProxySetting): TrustFn {
  if (trust === true) return () => true;
  if (trust === false) return () => false;
  if (typeof trust === 'number') return (_address, hop) => hop < trust;
  return proxyAddr.compile(trust);
}

/** The client's address: the TCP peer, or what trusted proxies say in X-Forwarded-For. */
export function clientAddress(req: IncomingMessage, trust: TrustFn): string {
  return proxyAddr(req, trust);
}

/** The host the client asked for: X-Forwarded-Host only when the TCP peer is a trusted proxy, the Host header otherwise. */
export function requestedHost(req: IncomingMessage, trust: TrustFn): string | undefined {
  const forwarded = req.headers['x-forwarded-host'];
  const peer = req.socket.remoteAddress;
  if (typeof forwarded === 'string' && forwarded && peer !== undefined && trust(peer, 0)) {
    // The last proxy appends its own entry: the right-most value is the one a trusted proxy wrote.
    return forwarded.slice(forwarded.lastIndexOf(',') + 1).trim();
  }
  return req.headers.host;
}
