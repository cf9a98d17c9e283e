-- wrk: GET one object with the bearer token.
wrk.headers["Authorization"] = "Bearer " .. os.getenv("BENCH_TOKEN")
