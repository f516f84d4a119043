// The part of madge 8 test/layers.test.ts uses (the package ships no types): the import graph
// of a folder and its cycles.
declare module 'madge' {
  interface MadgeResult {
    obj: () => Record<string, string[]>
    circular: () => string[][]
  }
  function madge (path: string, config?: { fileExtensions?: string[] }): Promise<MadgeResult>
  export default madge
}
