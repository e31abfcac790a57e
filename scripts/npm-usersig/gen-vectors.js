// Prints UserSig test vectors made by the official tls-sig-api-v2 npm
// package, with the package's clock (Date.now) pinned, as JSON on stdout.
// Run it through gen-vectors.sh, which writes auth/testdata/npm_vectors.json.
//
// All keys below are fake test keys, not secrets of any real app.
'use strict';

const zlib = require('zlib');
const TLSSigAPIv2 = require('tls-sig-api-v2');
const pkg = require('tls-sig-api-v2/package.json');

// The package reads the current time only through Date.now(), in genSig
// (TLS.time = Math.floor(Date.now() / 1000)) and in _genUserbuf.
const realNow = Date.now;
function at(unixSeconds, fn) {
  Date.now = () => unixSeconds * 1000 + 999; // the fraction must be floored away
  try {
    return fn();
  } finally {
    Date.now = realNow;
  }
}

// Decodes a UserSig the way the package's own base64url.unescape does.
function inflate(userSig) {
  const b64 = userSig.replace(/\*/g, '+').replace(/-/g, '/').replace(/_/g, '=');
  return zlib.inflateSync(Buffer.from(b64, 'base64')).toString('utf8');
}

const KEY = '5bd2850fff3ecb11d7c805251c51ee463a25727bddc2385f3fa8bfee1bb93b5e'; // the package's own example key
const FAKE = '0000000000000000000000000000000000000000000000000000000000000000';
const T0 = 1767225600; // 2026-01-01T00:00:00Z

const cases = [
  { name: 'admin-180d', sdkappid: 1400000000, key: KEY, identifier: 'administrator', expire: 86400 * 180, now: T0 },
  { name: 'admin-24h', sdkappid: 1400000000, key: KEY, identifier: 'administrator', expire: 86400, now: T0 + 12345 },
  { name: 'one-second', sdkappid: 1, key: 'k', identifier: 'a', expire: 1, now: T0 },
  { name: 'epoch', sdkappid: 20000001, key: FAKE, identifier: 'admin', expire: 3600, now: 0 },
  { name: 'max-uint32-app', sdkappid: 4294967295, key: FAKE, identifier: 'user_01-AZ', expire: 604800, now: 1700000000 },
  { name: 'far-future', sdkappid: 1400000001, key: FAKE, identifier: 'admin', expire: 86400 * 365 * 100, now: 4102444800 },
  { name: 'long-identifier', sdkappid: 1400000000, key: KEY, identifier: 'x'.repeat(200), expire: 86400, now: T0 },
  { name: 'unicode-identifier', sdkappid: 1400000000, key: KEY, identifier: '管理员', expire: 86400, now: T0 },
  { name: 'emoji-identifier', sdkappid: 1400000000, key: KEY, identifier: 'adm\u{1F600}in', expire: 86400, now: T0 },
  { name: 'html-chars', sdkappid: 1400000000, key: KEY, identifier: '<admin>&"\'', expire: 86400, now: T0 },
  { name: 'json-escapes', sdkappid: 1400000000, key: KEY, identifier: 'a"b\\c/d\b\f\n\r\t\u0000\u001f\u007f', expire: 86400, now: T0 },
  { name: 'line-separators', sdkappid: 1400000000, key: KEY, identifier: 'a\u2028b\u2029c', expire: 86400, now: T0 },
  { name: 'unicode-key', sdkappid: 1400000000, key: 'ключ-不是真的', identifier: 'administrator', expire: 86400, now: T0 },
  { name: 'userbuf-bytes', sdkappid: 1400000000, key: KEY, identifier: 'xiaojun', expire: 300, now: T0,
    userbuf: Buffer.from(Array.from({ length: 256 }, (_, i) => i)) },
  { name: 'userbuf-empty', sdkappid: 1400000000, key: KEY, identifier: 'xiaojun', expire: 300, now: T0,
    userbuf: Buffer.alloc(0) },
  { name: 'private-map-key', sdkappid: 1400000000, key: KEY, identifier: 'xiaojun', expire: 86400 * 180, now: T0,
    privateMapKey: { roomid: 10000, privilegeMap: 255 } },
  { name: 'private-map-key-string-room', sdkappid: 1400000000, key: KEY, identifier: 'xiaojun', expire: 86400 * 180, now: T0,
    privateMapKeyStringRoom: { roomstr: '1000000040', privilegeMap: 255 } },
];

const vectors = cases.map((c) => {
  const api = new TLSSigAPIv2.Api(c.sdkappid, c.key);
  const usersig = at(c.now, () => {
    if (c.userbuf) return api.genSig(c.identifier, c.expire, c.userbuf);
    if (c.privateMapKey) return api.genPrivateMapKey(c.identifier, c.expire, c.privateMapKey.roomid, c.privateMapKey.privilegeMap);
    if (c.privateMapKeyStringRoom) {
      const p = c.privateMapKeyStringRoom;
      return api.genPrivateMapKeyWithStringRoomID(c.identifier, c.expire, p.roomstr, p.privilegeMap);
    }
    return api.genUserSig(c.identifier, c.expire);
  });
  const doc = inflate(usersig);
  const parsed = JSON.parse(doc);
  const v = {
    name: c.name,
    sdkappid: c.sdkappid,
    key: c.key,
    identifier: c.identifier,
    expire: c.expire,
    now: c.now,
  };
  if ('TLS.userbuf' in parsed) v.userbuf = parsed['TLS.userbuf'];
  v.usersig = usersig;
  v.doc = doc;
  return v;
});

process.stdout.write(JSON.stringify({
  generator: `${pkg.name}@${pkg.version}`,
  node: process.version,
  vectors,
}, null, 2) + '\n');
