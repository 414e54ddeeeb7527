import Shared

/// Recalculation in dependency order with an explicit work list (Kahn's algorithm), so a chain of
/// 100,000 cells needs no deeper stack than a chain of two. Cells left over sit on or behind a cycle:
/// strongly connected components (iterative Tarjan) pick out the cycles, whose cells get `#CYCLE!`,
/// and the cells behind them are then evaluated normally and see that error.
extension FormulaSheet {
    /// Cells reachable from `seeds` through dependents.
    func closure(of seeds: Set<CellAddress>, includingSeeds: Bool) -> Set<CellAddress> {
        var reached = Set<CellAddress>()
        var pending = Array(seeds)
        if includingSeeds { reached = seeds }
        while let cell = pending.popLast() {
            graph.forEachDependent(of: cell) { dependent in
                if reached.insert(dependent).inserted { pending.append(dependent) }
            }
        }
        return reached
    }

    mutating func recalculate(_ formulas: some Collection<CellAddress>) {
        let cells = Array(formulas)
        guard !cells.isEmpty else { return }
        var index: [CellAddress: Int] = [:]
        index.reserveCapacity(cells.count)
        for (i, cell) in cells.enumerated() { index[cell] = i }
        var successors = [[Int]](repeating: [], count: cells.count)
        var inDegree = [Int](repeating: 0, count: cells.count)
        for (i, cell) in cells.enumerated() {
            graph.forEachDependent(of: cell) { dependent in
                guard let j = index[dependent] else { return }
                successors[i].append(j)
                inDegree[j] += 1
            }
        }
        var done = [Bool](repeating: false, count: cells.count)
        evaluateReady(cells, successors, &inDegree, &done, Array(0..<cells.count))
        let remaining = (0..<cells.count).filter { !done[$0] }
        guard !remaining.isEmpty else { return }

        let onCycle = Self.cycleMembers(remaining, successors, done)
        for i in onCycle {
            store.set(.error(.cycle), at: cells[i])
            done[i] = true
        }
        // Behind the cycles the graph is acyclic again: count only edges from cells still pending.
        for i in remaining where !done[i] { inDegree[i] = 0 }
        for i in remaining where !done[i] {
            for j in successors[i] where !done[j] { inDegree[j] += 1 }
        }
        evaluateReady(cells, successors, &inDegree, &done, remaining.filter { !done[$0] })
    }

    private mutating func evaluateReady(_ cells: [CellAddress], _ successors: [[Int]], _ inDegree: inout [Int],
                                        _ done: inout [Bool], _ candidates: [Int]) {
        var ready = candidates.filter { inDegree[$0] == 0 && !done[$0] }
        while let i = ready.popLast() {
            done[i] = true
            let value = compute(cells[i])
            store.set(value, at: cells[i])
            for j in successors[i] where !done[j] {
                inDegree[j] -= 1
                if inDegree[j] == 0 { ready.append(j) }
            }
        }
    }

    private mutating func compute(_ cell: CellAddress) -> FormulaValue {
        evaluationCount += 1
        guard let expression = inputs[cell]?.formula?.expression else { return .error(.syntax) }
        return FormulaEvaluator(store: store, origin: cell, clock: clock).evaluateCell(expression)
    }

    /// Members of non-trivial strongly connected components (or self-loops) among `nodes`, iteratively.
    private static func cycleMembers(_ nodes: [Int], _ successors: [[Int]], _ done: [Bool]) -> [Int] {
        var order = [Int: Int]()
        var low = [Int: Int]()
        var onStack = Set<Int>()
        var stack: [Int] = []
        var members: [Int] = []
        var counter = 0
        for root in nodes where order[root] == nil {
            var work: [(node: Int, next: Int)] = [(root, 0)]
            order[root] = counter
            low[root] = counter
            counter += 1
            stack.append(root)
            onStack.insert(root)
            while let top = work.last {
                let v = top.node
                let edges = successors[v]
                if top.next < edges.count {
                    work[work.count - 1].next += 1
                    let w = edges[top.next]
                    if done[w] { continue }
                    if order[w] == nil {
                        order[w] = counter
                        low[w] = counter
                        counter += 1
                        stack.append(w)
                        onStack.insert(w)
                        work.append((w, 0))
                    } else if onStack.contains(w) {
                        low[v] = min(low[v]!, order[w]!)
                    }
                    continue
                }
                work.removeLast()
                if let parent = work.last?.node { low[parent] = min(low[parent]!, low[v]!) }
                guard low[v] == order[v] else { continue }
                var component: [Int] = []
                while let w = stack.popLast() {
                    onStack.remove(w)
                    component.append(w)
                    if w == v { break }
                }
                if component.count > 1 || successors[v].contains(v) { members.append(contentsOf: component) }
            }
        }
        return members
    }
}
