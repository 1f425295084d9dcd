/** A category's colour: hues spread by the golden angle, so neighbouring ids differ clearly. */
export function categoryColor(id: number): string {
  return `hsl(${Math.round((id * 137.508) % 360)} 70% 42%)`;
}
