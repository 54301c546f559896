/** What to change when a port cannot be had, naming the setting that chose it. */
export function listenProblem(error: unknown, key: string, port: number): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'EADDRINUSE') return `${key}: port ${port} is already in use (another portal or program?)`;
  if (code === 'EACCES')
    return `${key}: not allowed to listen on port ${port} (ports below 1024 need privileges)`;
  return `${key}: cannot listen on port ${port} (${code ?? String(error)})`;
}
