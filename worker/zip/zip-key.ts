/** `<prefix>/<tenant>/zips/<jobId>/<filename>`: the job id keeps two archives with one name apart. */
export function zipObjectKey(prefix: string, tenant: string, jobId: string, filename: string): string {
  return [prefix, tenant, 'zips', jobId, filename].filter((s) => s !== '').join('/');
}
