/** The studio's mark: a detection box's corners around a query dot. */
export function Logo({ size = 24 }: { size?: number }) {
  return (
    <svg className="brand-logo" width={size} height={size} viewBox="0 0 24 24" aria-hidden="true">
      <rect x="0.5" y="0.5" width="23" height="23" rx="6" fill="#2f63e0" />
      <path d="M6 9.5V6h3.5M14.5 6H18v3.5M18 14.5V18h-3.5M9.5 18H6v-3.5" fill="none" stroke="#fff" strokeWidth="1.8" strokeLinecap="round" strokeLinejoin="round" />
      <circle cx="12" cy="12" r="2.1" fill="#ffd166" />
    </svg>
  );
}
