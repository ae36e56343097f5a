using System.Buffers;
using Microsoft.AspNetCore.Connections;

namespace IronRuntime.Router.Proxy;

/// <summary>Gives the loopback proxy's socket transport a <see cref="LoopbackMemoryPool"/> (see there why).</summary>
internal sealed class LoopbackMemoryPoolFactory : IMemoryPoolFactory<byte>
{
    /// <inheritdoc />
    public MemoryPool<byte> Create(MemoryPoolOptions? options = null) => new LoopbackMemoryPool(TimeProvider.System);
}
