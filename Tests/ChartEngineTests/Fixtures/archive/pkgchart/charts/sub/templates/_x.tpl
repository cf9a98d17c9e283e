{{- define "sub.x" }}x{{ end }}
