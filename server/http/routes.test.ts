import type { Request } from 'express';
import { NotFoundError } from './errors';
import { pathId } from './routes';

const req = (params: Record<string, string>): Request => ({ params }) as unknown as Request;

describe('pathId', () => {
  test('a positive whole number from the path, under :id or another name', () => {
    expect(pathId(req({ id: '42' }))).toBe(42);
    expect(pathId(req({ closureId: '7' }), 'closureId')).toBe(7);
  });

  test.each(['abc', '0', '-1', '1.5', '01', '1e3', ''])('%j is no such page: 404', (value) => {
    expect(() => pathId(req({ id: value }))).toThrow(NotFoundError);
  });

  test('a missing parameter is a 404 too', () => {
    expect(() => pathId(req({ id: '3' }), 'branchId')).toThrow(NotFoundError);
  });
});
