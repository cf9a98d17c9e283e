from common import write
M = "merge"
rfc = [  # RFC 7386 appendix A
    ({"a": "b"}, {"a": "c"}, {"a": "c"}),
    ({"a": "b"}, {"b": "c"}, {"a": "b", "b": "c"}),
    ({"a": "b"}, {"a": None}, {}),
    ({"a": "b", "b": "c"}, {"a": None}, {"b": "c"}),
    ({"a": ["b"]}, {"a": "c"}, {"a": "c"}),
    ({"a": "c"}, {"a": ["b"]}, {"a": ["b"]}),
    ({"a": {"b": "c"}}, {"a": {"b": "d", "c": None}}, {"a": {"b": "d"}}),
    ({"a": [{"b": "c"}]}, {"a": [1]}, {"a": [1]}),
    (["a", "b"], ["c", "d"], ["c", "d"]),
    ({"a": "b"}, ["c"], ["c"]),
    ({"a": "foo"}, None, None),
    ({"a": "foo"}, "bar", "bar"),
    ({"e": None}, {"a": 1}, {"e": None, "a": 1}),
    ([1, 2], {"a": "b", "c": None}, {"a": "b"}),
    ({}, {"a": {"bb": {"ccc": None}}}, {"a": {"bb": {}}}),
]
for i, (o, p, e) in enumerate(rfc, 1):
    write(M, f"rfc7386-appendix-{i:02d}", f"RFC 7386 appendix A example {i}", original=o, patch=p, expected=e)
write(M, "kubectl-scale", "kubectl scale sends a merge patch on /scale",
      original={"spec": {"replicas": 1}, "status": {"replicas": 1}}, patch={"spec": {"replicas": 2}},
      expected={"spec": {"replicas": 2}, "status": {"replicas": 1}})
write(M, "kubectl-label", "kubectl label/annotate add and remove (null) keys",
      original={"metadata": {"name": "x", "labels": {"app": "web", "tier": "fe"}}},
      patch={"metadata": {"labels": {"tier": None, "env": "prod"}, "annotations": {"note": "hi"}}},
      expected={"metadata": {"name": "x", "labels": {"app": "web", "env": "prod"}, "annotations": {"note": "hi"}}})
write(M, "list-replaced-wholesale", "merge patch never merges lists: containers are replaced",
      original={"spec": {"containers": [{"name": "a", "image": "1"}, {"name": "b", "image": "2"}]}},
      patch={"spec": {"containers": [{"name": "a", "image": "3"}]}},
      expected={"spec": {"containers": [{"name": "a", "image": "3"}]}})
write(M, "nulls-inside-lists-kept", "only map members are deleted by null; list elements stay as given",
      original={}, patch={"l": [None, 1]}, expected={"l": [None, 1]})
write(M, "directives-are-plain-keys", "strategic directives mean nothing to a merge patch",
      original={"a": {"b": 1}}, patch={"a": {"$patch": "replace"}}, expected={"a": {"b": 1, "$patch": "replace"}})
