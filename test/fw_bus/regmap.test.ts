// The register map: REGISTERS.md is the current rendering of regmap.ts, the map is self-consistent, and
// the checks on it and on the parameters reject bad definitions.
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { REGISTERS, checkRegisterMap, regAddr, type RegSpec } from '../../blocks/fw_bus/regmap.ts';
import { registersPath, renderRegisters } from '../../blocks/fw_bus/render-registers.ts';
import { checkFwBusParams, defaultFwBusParams } from '../../blocks/fw_bus/params.ts';
import { elaborate } from '../../dsl/index.ts';
import { FwBus } from '../../blocks/fw_bus/fw-bus.ts';

describe('fw_bus register map', () => {
  it('REGISTERS.md equals a fresh rendering of regmap.ts (run `npx tsx blocks/fw_bus/render-registers.ts`)', () => {
    expect(fs.readFileSync(registersPath, 'utf8')).toBe(renderRegisters());
  });

  it('every register appears in the rendering with its offset', () => {
    const md = renderRegisters();
    for (const r of REGISTERS) expect(md).toContain(`| 0x${r.offset.toString(16).toUpperCase().padStart(4, '0')}`);
  });

  it('regAddr gives byte addresses and rejects out-of-range elements', () => {
    expect(regAddr('CMD_DATA', 3)).toBe(0x08c);
    expect(regAddr('EVENT_DATA', 15)).toBe(0x07c);
    expect(() => regAddr('EVENT_DATA', 16)).toThrow(/out of range/);
    expect(() => regAddr('ID', 1)).toThrow(/out of range/);
  });

  it('the map check rejects overlapping, unaligned and misplaced registers', () => {
    const base: RegSpec[] = [...REGISTERS];
    expect(() => checkRegisterMap(base)).not.toThrow();
    expect(() => checkRegisterMap([...base, { name: 'X', offset: 0x044, access: 'ro', description: '' }])).toThrow(/overlap/);
    expect(() => checkRegisterMap([...base, { name: 'X', offset: 0x202, access: 'ro', description: '' }])).toThrow(/aligned/);
    expect(() => checkRegisterMap([...base, { name: 'X', offset: 0x7ffc, access: 'ro', count: 2, description: '' }])).toThrow(/outside/);
  });

  it('bad parameters are rejected with the parameter named', () => {
    const p = defaultFwBusParams;
    expect(() => checkFwBusParams(p)).not.toThrow();
    expect(() => checkFwBusParams({ ...p, eventBits: 513 })).toThrow(/eventBits/);
    expect(() => checkFwBusParams({ ...p, commandBits: 0 })).toThrow(/commandBits/);
    expect(() => checkFwBusParams({ ...p, eventDepth: 24 })).toThrow(/eventDepth/);
    expect(() => checkFwBusParams({ ...p, windowTimeout: 1 })).toThrow(/windowTimeout/);
    expect(() => elaborate(FwBus, { commandDepth: 1 })).toThrow(/commandDepth/);
  });
});
