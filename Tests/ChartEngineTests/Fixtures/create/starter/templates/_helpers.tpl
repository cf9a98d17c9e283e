{{- define "<CHARTNAME>.name" -}}{{ .Values.nameOverride }}{{- end -}}
