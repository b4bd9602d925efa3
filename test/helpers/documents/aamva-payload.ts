// AAMVA barcode payloads composed for the parser's tests: a standard header, designators with
// correct offsets, subfiles. Every value is made up.

export interface PayloadSpec {
  iin: string;
  version: number;
  subfiles: Array<{ type: string; elements: Array<[string, string]> }>;
  /** The three bytes after "@" (default LF RS CR); the body uses the first between elements and the third after each subfile. */
  separators?: string;
}

export function composePayload(spec: PayloadSpec): string {
  const [element, , segment] = spec.separators ?? '\n\x1e\r';
  const bodies = spec.subfiles.map((s) => `${s.type}${s.elements.map(([id, v]) => `${id}${v}`).join(element)}${segment}`);
  const headerLength = 21 + 10 * spec.subfiles.length;
  let offset = headerLength;
  const designators = spec.subfiles.map((s, i) => {
    const d = `${s.type}${String(offset).padStart(4, '0')}${String(bodies[i].length).padStart(4, '0')}`;
    offset += bodies[i].length;
    return d;
  });
  return `@${spec.separators ?? '\n\x1e\r'}ANSI ${spec.iin}${String(spec.version).padStart(2, '0')}00${String(spec.subfiles.length).padStart(2, '0')}${designators.join('')}${bodies.join('')}`;
}

export const US_ELEMENTS: Array<[string, string]> = [
  ['DCA', 'D'], ['DCB', 'NONE'], ['DCD', 'NONE'], ['DBA', '03152031'], ['DCS', 'QUINTERO'], ['DAC', 'ADA'], ['DAD', 'MARIE'],
  ['DBD', '03152023'], ['DBB', '11021990'], ['DBC', '2'], ['DAY', 'GRN'], ['DAU', '066 in'], ['DAG', '12 TEST AVE'],
  ['DAI', 'RICHMOND'], ['DAJ', 'VA'], ['DAK', '232690000  '], ['DAQ', 'T00000042'], ['DCF', 'DOC0001'], ['DCG', 'USA'],
  ['DDE', 'N'], ['DDF', 'N'], ['DDG', 'N'], ['DDA', 'F'],
];

export const usPayload = (separators?: string): string =>
  composePayload({ iin: '636000', version: 10, subfiles: [{ type: 'DL', elements: US_ELEMENTS }, { type: 'ZV', elements: [['ZVA', '01']] }], separators });
