/** The zones of a region that run YugabyteDB nodes: `databaseZones` when given, else every zone of the region. */
export const databaseZonesOf = (r: { readonly zones: readonly string[]; readonly databaseZones?: readonly string[] }): readonly string[] =>
  r.databaseZones ?? r.zones;
