{{- define "fromstarter.name" -}}{{ .Values.nameOverride }}{{- end -}}
