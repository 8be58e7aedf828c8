// Key material and ID-token forgeries of the misbehaving OpenID provider emulator
// (rogue.mjs). Only the emulator's own keys are involved: the forgeries are what an
// attacker (or a broken provider) could send, and a correct client must refuse them all.
import { createPublicKey } from 'node:crypto';

import { SignJWT, calculateJwkThumbprint, exportJWK, generateKeyPair } from 'jose';

// A fresh RS256 key pair; `jwk` is its public half as a JWKS entry.
export async function newKey() {
  const { privateKey, publicKey } = await generateKeyPair('RS256');
  const jwk = await exportJWK(publicKey);
  const kid = await calculateJwkThumbprint(jwk);
  return { kid, privateKey, publicKey, jwk: { ...jwk, kid, alg: 'RS256', use: 'sig' } };
}

export const jwks = (keys) => ({ keys: keys.map((k) => k.jwk) });

const segment = (value) => Buffer.from(JSON.stringify(value)).toString('base64url');

// A correct RS256 ID token signed with `key`, its kid in the header.
export function signRs256(claims, key) {
  return new SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid: key.kid, typ: 'JWT' }).sign(key.privateKey);
}

// "alg": "none", no signature at all (RFC 7519 6.1 unsecured JWT), kid of the real key.
export function unsigned(claims, key) {
  return `${segment({ alg: 'none', kid: key.kid, typ: 'JWT' })}.${segment(claims)}.`;
}

// Key confusion: HS256 with the provider's RSA public key as the HMAC secret (its SPKI PEM
// as OpenSSL writes it, from the published JWK), and the kid of that RSA key. A client that
// takes the alg from the header and the "key" from the JWKS would accept it.
export async function hmacWithPublicKey(claims, key) {
  const pem = publicPem(key.jwk);
  return new SignJWT(claims).setProtectedHeader({ alg: 'HS256', kid: key.kid, typ: 'JWT' })
    .sign(new TextEncoder().encode(pem));
}

// A correctly signed token whose signature then has one byte flipped.
export async function badSignature(claims, key) {
  const [header, payload, signature] = (await signRs256(claims, key)).split('.');
  const bytes = Buffer.from(signature, 'base64url');
  bytes[bytes.length >> 1] ^= 0x01;
  return `${header}.${payload}.${bytes.toString('base64url')}`;
}

// The SPKI PEM of a public JWK (what an attacker derives from the JWKS).
export const publicPem = (jwk) => createPublicKey({ key: jwk, format: 'jwk' }).export({ type: 'spki', format: 'pem' });
