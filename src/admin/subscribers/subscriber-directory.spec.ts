import { isBehind } from './subscriber-directory.js';

describe("isBehind (the admin's connected agents panel)", () => {
  it('is up to date once every change up to the revision went through the stream', () => {
    expect(isBehind({ coveredRevision: 9, pendingBytes: 0 }, 9)).toBe(false);
  });

  it('is behind while a change has not been handed to the stream', () => {
    expect(isBehind({ coveredRevision: 8, pendingBytes: 0 }, 9)).toBe(true);
  });

  it('is behind while the agent has not read what was written to it', () => {
    expect(isBehind({ coveredRevision: 9, pendingBytes: 120 }, 9)).toBe(true);
  });
});
