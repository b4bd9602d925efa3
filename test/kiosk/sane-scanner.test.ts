// The SANE scanner adapter on SANE's real `test` backend (scanimage, libsane), and its parsing of what other
// backends print: IR and UV found among a backend's sources or modes; a scan cut short never held.
import t from 'tap';
import { loadKioskConfig } from '../../src/kiosk/config/load-kiosk-config.js';
import { SaneScanner, whatScanimageSaid } from '../../src/kiosk/devices/scanner/sane-scanner.js';
import { lightSettings, parseSaneOptions, whiteSettings } from '../../src/kiosk/devices/scanner/sane-options.js';
import { checkPngStructure } from '../../src/kiosk/devices/scanner/png-structure.js';
import { KioskDeviceError } from '../../src/kiosk/devices/device-error.js';
import { saneTestBackend } from '../helpers/kiosk/sane-test-backend.js';

const sane = saneTestBackend();
t.teardown(sane.cleanup);
const scannerConfig = (over: Record<string, unknown> = {}) => loadKioskConfig(null, { applianceUrl: 'https://idv.contoso.example', scanner: { device: 'test', resolutionDpi: 75, ...over } }).scanner;

t.test('scanimage -L sees the test backend; a white-light scan is a whole PNG', async (t) => {
  const scanner = new SaneScanner(scannerConfig({ extraOptions: ['--test-picture=Color pattern'] }), { env: sane.env });
  t.match(await scanner.selftest(), { device: 'scanner', ok: true, detail: 'SANE test:0 (Noname frontend-tester virtual device); lights: white (no IR/UV offered)' });
  t.same(await scanner.lights(), ['white']);
  const page = await scanner.scan('white');
  t.match(page, { light: 'white', mediaType: 'image/png', width: 236, height: 295 });
  t.equal(page.bytes.readUInt8(25), 2, 'colour (PNG colour type 2): --mode=Color was chosen for white light');
  t.match(await scanner.scan('ir').catch((e) => e), { code: 'unplugged', message: 'test offers no infrared light' });
});

t.test('an unplugged scanner (a device SANE cannot open) and a missing one', async (t) => {
  const scanner = new SaneScanner(scannerConfig({ device: 'test:7' }), { env: sane.env });
  const err = await scanner.scan('white').catch((e) => e);
  t.type(err, KioskDeviceError);
  t.match(err, { device: 'scanner', code: 'unplugged', message: /^reading the options of test:7 failed: scanimage: open of device test:7 failed: Invalid argument; check that the scanner is plugged in/ });
  t.same(await new SaneScanner(scannerConfig({ device: 'epjitsu:libusb:001:004' }), { env: sane.env }).selftest(), {
    device: 'scanner', ok: false, detail: 'SANE scanner epjitsu:libusb:001:004 not found (SANE sees test:0, test:1)',
    remedy: 'plug the scanner in and power it, or set scanner.device to a name `scanimage -L` prints',
  });
});

t.test('SANE statuses mid-scan: busy, jammed, no document; a scan past the time bound', async (t) => {
  const cases: [string, string][] = [['SANE_STATUS_DEVICE_BUSY', 'busy'], ['SANE_STATUS_JAMMED', 'removed'], ['SANE_STATUS_NO_DOCS', 'removed'], ['SANE_STATUS_EOF', 'corrupt']];
  for (const [status, code] of cases) {
    const scanner = new SaneScanner(scannerConfig({ extraOptions: [`--read-return-value=${status}`] }), { env: sane.env });
    t.match(await scanner.scan('white').catch((e) => e), { code }, `${status} → ${code}`);
  }
  const slow = new SaneScanner(scannerConfig({ resolutionDpi: 600, timeoutMs: 1000, extraOptions: ['--read-delay=yes', '--read-delay-duration=200000'] }), { env: sane.env });
  t.match(await slow.scan('white').catch((e) => e), { code: 'timeout', message: 'scanning under white light took longer than 1000 ms' });
  const big = new SaneScanner(scannerConfig({ resolutionDpi: 300, maxImageBytes: 2048, extraOptions: ['--test-picture=Color pattern'] }), { env: sane.env });
  t.match(await big.scan('white').catch((e) => e), { code: 'corrupt', message: 'scanning under white light produced more than 2048 bytes' });
});

t.test('the failing SANE call is what the error names, whatever scanimage prints after it', (t) => {
  const io = 'scanimage: sane_read: Error during device I/O';
  t.equal(whatScanimageSaid(`${io}\n`), io);
  t.equal(whatScanimageSaid(`${io}\nscanimage: trying to stop scanner\n`), io, 'not the clean-up line that may follow it');
  t.equal(whatScanimageSaid('scanimage: no SANE devices found\n'), 'scanimage: no SANE devices found');
  t.equal(whatScanimageSaid('[test] something\nlast words'), 'last words');
  t.equal(whatScanimageSaid(''), '');
  t.end();
});

t.test('IR and UV are found among a backend\'s sources or modes', (t) => {
  // As `scanimage -A` prints a document scanner with IR and UV lamps (sources) and one with an infrared mode.
  const withSources = parseSaneOptions([
    'All options specific to device `docreader:usb:001:004\':',
    '  Scan Mode:',
    '    --mode Lineart|Gray|Color [Color]',
    '    --source Flatbed|Infrared|Ultraviolet [Flatbed]',
    '    --resolution 100|200|300|600dpi [300]',
    '    --preview[=(yes|no)] [no]',
    '    -l 0..215.9mm [0]',
  ].join('\n'));
  t.same(withSources.get('source'), { name: 'source', values: ['Flatbed', 'Infrared', 'Ultraviolet'], current: 'Flatbed' });
  t.notOk(withSources.has('preview'), 'a boolean is not a choice');
  t.same(lightSettings(withSources), { ir: { option: 'source', value: 'Infrared' }, uv: { option: 'source', value: 'Ultraviolet' } });
  t.same(whiteSettings(withSources), [{ option: 'mode', value: 'Color' }, { option: 'source', value: 'Flatbed' }]);
  const irMode = parseSaneOptions('    --mode Gray|Color|Color + IR|IR [Gray]\n    --source Transparency Unit|Flatbed [Transparency Unit]\n');
  t.same(lightSettings(irMode), { ir: { option: 'mode', value: 'Color + IR' } });
  t.same(lightSettings(parseSaneOptions('    --source Flatbed|ADF Front [Flatbed]\n')), {}, 'no IR/UV: none invented');
  t.end();
});

t.test('a PNG cut short, with trailing bytes or without image data is refused', (t) => {
  const png = Buffer.from('89504e470d0a1a0a0000000d49484452000000020000000208000000007f9b4e730000000c4944415478da63f8ffff3f0005fe02fea7d6a5d20000000049454e44ae426082', 'hex');
  t.same(checkPngStructure(png, 1e6), { width: 2, height: 2 });
  t.same(checkPngStructure(png.subarray(0, png.length - 5), 1e6), { problem: 'the PNG is cut short at byte 57 of 64' });
  t.same(checkPngStructure(png.subarray(0, 50), 1e6), { problem: 'the PNG\'s IDAT chunk runs past the end (cut short)' });
  t.same(checkPngStructure(Buffer.concat([png, Buffer.from('x')]), 1e6), { problem: 'bytes follow the PNG\'s end' });
  t.same(checkPngStructure(Buffer.from('P6\n2 2\n255\n'), 1e6), { problem: 'not a PNG (11 bytes)' });
  t.same(checkPngStructure(png, 3), { problem: 'the PNG is 2x2 pixels' });
  t.end();
});
