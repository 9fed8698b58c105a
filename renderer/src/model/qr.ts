// The invite's QR code, drawn locally as SVG and shown through a data: URL (the CSP allows
// img-src data:, and nothing leaves the machine).
import QRCode from 'qrcode';

export async function qrDataUrl(text: string): Promise<string> {
  const svg = await QRCode.toString(text, { type: 'svg', errorCorrectionLevel: 'M', margin: 2, color: { dark: '#000000', light: '#ffffff' } });
  return `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`;
}
