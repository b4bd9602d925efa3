// BAC end to end through the real PC/SC stack: a private pcscd, the vpcd driver, and Debian's vicc
// emulating an ePassport with files built from the test PKI. vicc's ePass has BAC and secure
// messaging but no PACE, Active or Chip Authentication (those run against the simulated chip).
import t from 'tap';
import { readEmrtd } from '../../src/documents/emrtd/reader/read-emrtd.js';
import { ChipAccessError } from '../../src/documents/emrtd/access/chip-access-error.js';
import { PcscContext } from '../../src/native/pcsc.js';
import { PcscChipReader } from '../../src/kiosk/devices/chip/pcsc-chip-reader.js';
import { KioskDeviceError } from '../../src/kiosk/devices/device-error.js';
import { startVirtualEpassport, virtualEpassportUnavailable, type VirtualEpassport } from '../helpers/virtual-epassport.js';
import { testPassport } from '../helpers/virtual-epassport-document.js';

const unavailable = virtualEpassportUnavailable();
if (unavailable) {
  t.plan(0, `virtual ePassport: ${unavailable}`);
} else {
  const passport = testPassport();
  let card: VirtualEpassport;
  t.before(async () => { card = await startVirtualEpassport(passport); });
  t.teardown(async () => { await card?.close(); });

  const reader = () => new PcscChipReader({ reader: 'Virtual PCD', timeoutMs: 20_000 });

  t.test('selftest names the reader it found', async (t) => {
    const status = await reader().selftest();
    t.equal(status.ok, true);
    t.match(status.detail, /^PC\/SC reader Virtual PCD 00 00/);
  });

  t.test('BAC with the MRZ key reads EF.COM, DG1, DG2 and EF.SOD under secure messaging', async (t) => {
    const read = await reader().read(passport.key);
    t.equal(read.protocol, 'BAC');
    t.same(Object.keys(read.files).sort(), ['com', 'dg1', 'dg2', 'sod']);
    t.ok(read.files.com.equals(passport.com), 'EF.COM');
    t.ok(read.files.dg1.equals(passport.dg1), 'DG1');
    t.ok(read.files.dg2.equals(passport.dg2), `DG2 (${passport.dg2.length} bytes, read in chunks)`);
    t.ok(read.files.sod.equals(passport.sod), 'EF.SOD');
    t.equal(read.activeAuthentication, undefined, 'no DG15 on this chip, so no Active Authentication');
    t.equal(read.chipAuthentication, undefined, 'no DG14, so no Chip Authentication');
    t.ok(read.readMs > 0 && read.readMs < 20_000);
  });

  t.test('a wrong key is access-denied and nothing is read', async (t) => {
    const wrong = { ...passport.key, dateOfBirth: '740813' };
    await t.rejects(reader().read(wrong), { name: 'KioskDeviceError', code: 'access-denied', messageKey: 'kiosk.device.access-denied' });
    // The same through the transport, to see what crossed the wire: no SELECT of a file, no READ BINARY.
    const context = await PcscContext.establish();
    const session = await context.connect(card.reader);
    const sent: Buffer[] = [];
    const err = await readEmrtd(async (apdu) => { sent.push(Buffer.from(apdu)); return session.transmit(apdu); }, wrong).catch((e: unknown) => e);
    await session.disconnect();
    await context.release();
    t.ok(err instanceof ChipAccessError && err.reason === 'access-denied', 'ChipAccessError access-denied');
    t.same(sent.map((a) => a[1].toString(16)), ['a4', 'a4', '84', '82'], 'SELECT EF.CardAccess, SELECT application, GET CHALLENGE, MUTUAL AUTHENTICATE');
    t.notOk(sent.some((a) => a[1] === 0xb0), 'no READ BINARY');
  });

  t.test('the card leaving the reader mid-read is "removed", and the next read works', async (t) => {
    const reading = reader().read(passport.key).catch((e: unknown) => e);
    await new Promise((r) => setTimeout(r, 150));
    await card.removeCard();
    const err = await reading;
    t.ok(err instanceof KioskDeviceError, 'a device error');
    t.equal((err as KioskDeviceError).code, 'removed', (err as Error).message);
    await card.insertCard();
    const again = await reader().read(passport.key);
    t.ok(again.files.dg2.equals(passport.dg2));
  });

  t.test('a card another program holds exclusively is "busy"', async (t) => {
    const context = await PcscContext.establish();
    const other = await context.connect(card.reader);
    await t.rejects(reader().read(passport.key), { code: 'busy', messageKey: 'kiosk.device.busy' });
    await other.disconnect();
    await context.release();
    t.ok((await reader().read(passport.key)).files.dg1.equals(passport.dg1), 'free again once released');
  });

  t.test('no document on the reader within the time is "timeout"', async (t) => {
    await card.removeCard();
    const started = Date.now();
    await t.rejects(new PcscChipReader({ reader: 'Virtual PCD 00 00', timeoutMs: 1000 }).read(passport.key), { code: 'timeout' });
    t.ok(Date.now() - started < 5000);
    const controller = new AbortController();
    setTimeout(() => controller.abort('operator pressed cancel'), 200);
    const cancelled = await reader().read(passport.key, controller.signal).catch((e: unknown) => e);
    t.same({ code: (cancelled as KioskDeviceError).code, message: (cancelled as Error).message }, { code: 'timeout', message: 'the chip read was cancelled' }, 'cancelled by the caller');
    await card.insertCard();
  });

  t.test('a reader name that matches nothing, and no pcscd at all, are "unplugged"', async (t) => {
    await t.rejects(new PcscChipReader({ reader: 'ACS ACR1252', timeoutMs: 2000 }).read(passport.key), { code: 'unplugged' });
    const status = await new PcscChipReader({ reader: 'ACS ACR1252', timeoutMs: 2000 }).selftest();
    t.same({ ok: status.ok, detail: status.detail }, { ok: false, detail: 'readers seen: Virtual PCD 00 00, Virtual PCD 00 01; none matches "ACS ACR1252"' });
    await card.unplugReader();
    await t.rejects(reader().read(passport.key), { code: 'unplugged' });
    t.equal((await reader().selftest()).ok, false);
  });
}
