// The hand-off QR code, rendered here (the qrcode package) as an SVG data URL: no external script or
// image host, and the page's CSP (img-src 'self' data:) allows it as an <img>.
import QRCode from 'qrcode';

/** An image/svg+xml data URL of `text` as a QR code (error correction M, a quiet zone of 4 modules). */
export async function qrSvgDataUrl(text: string): Promise<string> {
  const svg = await QRCode.toString(text, { type: 'svg', errorCorrectionLevel: 'M', margin: 4 });
  return `data:image/svg+xml;base64,${Buffer.from(svg, 'utf8').toString('base64')}`;
}
