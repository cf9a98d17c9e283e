{{- define "which" -}}parent _a.tpl{{- end -}}
