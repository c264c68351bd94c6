/** A storefront read with a chosen Host header (fetch will not let us set Host, so it goes through node:http). */
import { request } from 'node:http';

export interface StorefrontResponse {
  status: number;
  body: any;
  headers: Record<string, unknown>;
}

export function storefrontGet(baseUrl: string, path: string, host?: string): Promise<StorefrontResponse> {
  const url = new URL(path, baseUrl);
  return new Promise((resolve, reject) => {
    const req = request(url, { headers: host ? { host } : {} }, (res) => {
      let text = '';
      res.on('data', (c: Buffer) => (text += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode!, body: JSON.parse(text), headers: res.headers }));
    });
    req.on('error', reject);
    req.end();
  });
}
