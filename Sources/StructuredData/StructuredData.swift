/// StructuredData: the dynamic ``Value`` and its codecs (YAML 1.1 as go-yaml, JSON as Go's
/// encoding/json, TOML), shared by every other helmctl module. Depends only on system libyaml.
public enum StructuredDataInfo {}
