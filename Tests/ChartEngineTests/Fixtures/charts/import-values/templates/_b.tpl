{{- define "which" -}}parent _b.tpl{{- end -}}
{{- define "only-b" -}}only in _b{{- end -}}
