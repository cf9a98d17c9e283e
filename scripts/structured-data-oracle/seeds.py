"""Values-file seeds shared by the mutation generators (gen7.py, gen18.py)."""
seeds = [
"""replicaCount: 1
image:
  repository: nginx
  pullPolicy: IfNotPresent
  tag: ""
imagePullSecrets: []
serviceAccount:
  create: true
  annotations: {}
  name: ""
podAnnotations: {}
securityContext: {}
service:
  type: ClusterIP
  port: 80
ingress:
  enabled: false
  hosts:
    - host: chart-example.local
      paths:
        - path: /
          pathType: ImplementationSpecific
  tls: []
resources: {}
autoscaling:
  enabled: false
  minReplicas: 1
  targetCPUUtilizationPercentage: 80
nodeSelector: {}
tolerations: []
""",
"""defaults: &defaults
  adapter: postgres
  host: localhost
development:
  database: dev
  <<: *defaults
test: &test
  <<: *defaults
  database: test
list:
- &item {a: 1, b: [x, y]}
- *item
- ? complex key
  : v
text: |
  line one
  line two
folded: >-
  folded
  text
quoted: "esc \\t \\u00e9 \\x41"
single: 'it''s'
""",
"""# comment
a: 1 # trailing
b:
  - 1
  - 2.5
  - .inf
  - ~
  - yes
c: {x: [1, {y: z}], "k": 'v'}
d: !!str 12
e: 0x1F
f: 2024-01-01
g: 12:30:00
---
second: doc
""",
]
