// Minimal typing of the part of @lhncbc/ucum-lhc the service uses (the package ships no types).
declare module '@lhncbc/ucum-lhc' {
  interface ConversionResult { status: 'succeeded' | 'failed' | 'error', toVal?: number, msg?: string[] }
  interface UcumLhcUtils {
    convertUnitTo: (
      fromUnitCode: string,
      fromVal: number,
      toUnitCode: string,
      options?: Record<string, unknown>
    ) => ConversionResult
  }
  const ucum: { UcumLhcUtils: { getInstance: () => UcumLhcUtils } }
  export default ucum
}
