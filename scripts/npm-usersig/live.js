// Signs fresh UserSigs with the official tls-sig-api-v2 npm package and the
// real clock, for random fake keys and app IDs, and prints them as JSON on
// stdout. live-check.sh feeds the output to `go test ./auth -run TestNPMLive`.
'use strict';

const crypto = require('crypto');
const TLSSigAPIv2 = require('tls-sig-api-v2');
const pkg = require('tls-sig-api-v2/package.json');

const randomKey = () => crypto.randomBytes(32).toString('hex'); // fake, thrown away
const randomAppID = () => 1400000000 + crypto.randomInt(0, 200000000);

const cases = [
  { identifier: 'administrator', expire: 86400 },
  { identifier: 'administrator', expire: 86400 * 180 },
  { identifier: 'admin_' + crypto.randomBytes(4).toString('hex'), expire: 300 },
  { identifier: 'user-' + crypto.randomInt(0, 1e9), expire: 604800 },
  { identifier: '管理员', expire: 3600 },
  { identifier: 'xiaojun', expire: 86400, privateMapKey: { roomid: crypto.randomInt(1, 2 ** 31), privilegeMap: 255 } },
  { identifier: 'xiaojun', expire: 86400, userbuf: crypto.randomBytes(37) },
];

const vectors = cases.map((c, i) => {
  const sdkappid = randomAppID();
  const key = randomKey();
  const api = new TLSSigAPIv2.Api(sdkappid, key);
  const notBefore = Math.floor(Date.now() / 1000);
  let usersig;
  if (c.privateMapKey) {
    usersig = api.genPrivateMapKey(c.identifier, c.expire, c.privateMapKey.roomid, c.privateMapKey.privilegeMap);
  } else if (c.userbuf) {
    usersig = api.genSig(c.identifier, c.expire, c.userbuf);
  } else {
    usersig = api.genUserSig(c.identifier, c.expire);
  }
  const notAfter = Math.floor(Date.now() / 1000);
  return {
    name: `live-${i}`,
    sdkappid,
    key,
    identifier: c.identifier,
    expire: c.expire,
    not_before: notBefore,
    not_after: notAfter,
    usersig,
  };
});

process.stdout.write(JSON.stringify({
  generator: `${pkg.name}@${pkg.version}`,
  node: process.version,
  vectors,
}, null, 2) + '\n');
